using Dialer.Core.Operators;

namespace Dialer.Tests.Operators;

public sealed class DirectoryTests : OperatorsTest
{
    [Test]
    public async Task An_operator_is_created_signed_out_then_updated_by_identity()
    {
        await CampaignAsync("cob23");
        var (created, isNew) = await Directory.SaveAsync(new OperatorProfile("anna.rossi@afol", " Anna Rossi ", "mi_centro", "347 123 4567",
            Campaigns: ["cob23"]), None);
        var (updated, isNewAgain) = await Directory.SaveAsync(new OperatorProfile("anna.rossi@afol", "Anna Rossi", Active: false), None);
        var presence = await PresenceAsync("anna.rossi@afol");

        Assert.Multiple(() =>
        {
            Assert.That(isNew, Is.True);
            Assert.That(created.DisplayName, Is.EqualTo("Anna Rossi"));
            Assert.That(created.CpiCode, Is.EqualTo("MI_CENTRO"));
            Assert.That(created.PhoneE164, Is.EqualTo("+393471234567"));
            Assert.That(created.Campaigns, Is.EqualTo(new[] { "cob23" }));
            Assert.That(isNewAgain, Is.False);
            Assert.That(updated.Active, Is.False);
            Assert.That(updated.Campaigns, Is.Empty, "no campaigns: every campaign");
            Assert.That(updated.PhoneE164, Is.Null);
            Assert.That(presence.State, Is.EqualTo(PresenceState.SignedOut));
        });
    }

    [Test]
    public async Task Each_invalid_field_gets_its_own_error_and_nothing_is_saved()
    {
        var invalid = Assert.ThrowsAsync<OperatorValidationException>(() =>
            Directory.SaveAsync(new OperatorProfile("anna rossi", " ", "MI-CENTRO", "not a phone"), None));
        var unknownCampaign = Assert.ThrowsAsync<OperatorValidationException>(() =>
            Directory.SaveAsync(new OperatorProfile("anna", "Anna", Campaigns: ["nessuna"]), None));

        Assert.Multiple(async () =>
        {
            Assert.That(invalid!.Errors.Select(e => e.Split(':')[0]), Is.EqualTo(new[] { "identity", "name", "cpi", "phone" }));
            Assert.That(unknownCampaign!.Errors, Is.EqualTo(new[] { "campaigns: nessuna campagna \"nessuna\"." }));
            Assert.That(await Directory.ListAsync(None), Is.Empty, "the failed save was rolled back");
        });
    }
}

namespace Dialer.Tests.Operators;

/// <summary>`dialer operator add|list`, run as the built executable against the test database.</summary>
public sealed class OperatorCommandTests : OperatorsTest
{
    [Test]
    public async Task Operators_are_added_and_listed_from_the_command_line()
    {
        await CampaignAsync("cob23");

        var add = await DialerProcess.RunAsync("operator", "add", "anna.rossi", "--name", "Anna Rossi", "--cpi", "MI_CENTRO", "--campaign", "cob23");
        var update = await DialerProcess.RunAsync("operator", "add", "anna.rossi", "--name", "Anna Rossi", "--phone", "+39 347 1234567");
        var invalid = await DialerProcess.RunAsync("operator", "add", "anna rossi", "--name", "Anna", "--campaign", "nessuna");
        var list = await DialerProcess.RunAsync("operator", "list");
        var saved = await Directory.FindAsync("anna.rossi", CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(add.Exit, Is.Zero, add.Err);
            Assert.That(add.Out, Does.Contain("Operator anna.rossi added: cob23, rings the browser (client:anna.rossi)"));
            Assert.That(update.Out, Does.Contain("updated: every campaign, rings a phone"));
            Assert.That(invalid.Exit, Is.EqualTo(2));
            Assert.That(invalid.Err, Does.Contain("error: identity: \"anna rossi\" non è un'identità valida"));
            Assert.That(list.Out, Does.Contain("anna.rossi").And.Contain("signed_out").And.Contain("Anna Rossi"));
            Assert.That(saved?.PhoneE164, Is.EqualTo("+393471234567"));
        });
    }

}

using Dialer.Core.Campaigns;

namespace Dialer.Tests.Campaigns;

/// <summary>The campaign's script: templates with merge fields, validated field by field, and a default naming no body.</summary>
public sealed class CampaignScriptTests
{
    static readonly ScriptFields Maria = new("Maria", "Rossi", "Anna Bianchi", "CPI Milano Centro");

    static string Campaign(string script) => $$"""
        { "slug": "cob23", "name": "Cob23", "callerId": "+390277404040", "territory": { "comuni": ["F205"] }, "script": {{script}} }
        """;

    [Test]
    public void A_script_from_the_campaign_document_is_rendered_with_its_merge_fields()
    {
        var definition = CampaignDefinition.Parse(Campaign("""
            { "organisation": "Afol Metropolitana",
              "opening": "Buongiorno {nome} {cognome}, sono {operatore} del {cpi}.",
              "privacyNotice": "Titolare: {ente}." }
            """));

        var (opening, notice) = definition.Script!.Render(Maria);

        Assert.Multiple(() =>
        {
            Assert.That(opening, Is.EqualTo("Buongiorno Maria Rossi, sono Anna Bianchi del CPI Milano Centro."));
            Assert.That(notice, Is.EqualTo("Titolare: Afol Metropolitana."));
        });
    }

    [Test]
    public void Without_a_script_the_default_text_carries_the_notice_and_names_no_particular_body()
    {
        var (opening, notice) = new CampaignScript().Render(Maria with { Cpi = null });

        Assert.Multiple(() =>
        {
            Assert.That(opening, Does.StartWith("Buongiorno, parlo con Maria Rossi? Sono Anna Bianchi del Centro per l'Impiego."));
            Assert.That(notice, Does.Contain("art. 14 GDPR").And.Contain(CampaignScript.DefaultOrganisation));
            Assert.That(opening + notice, Does.Not.Contain("Afol").And.Not.Contain("Milano").And.Not.Contain("{"));
        });
    }

    [Test]
    public void A_person_without_a_name_on_file_leaves_no_gap_in_the_opening() =>
        Assert.That(new CampaignScript().Render(new ScriptFields("", "", "Anna", null)).Opening, Does.StartWith("Buongiorno, parlo con? Sono Anna"));

    [TestCase("""{ "opening": "Buongiorno {nome} {codiceFiscale}" }""", "script.opening: unknown merge field {codiceFiscale}")]
    [TestCase("""{ "privacyNotice": "Titolare: {Ente}" }""", "script.privacyNotice: unknown merge field {Ente}")]
    [TestCase("""{ "opening": "Buongiorno {nome" }""", "script.opening: a brace that does not enclose a merge field")]
    [TestCase("""{ "opening": "  " }""", "script.opening: empty")]
    [TestCase("""{ "organisation": "" }""", "script.organisation:")]
    public void A_bad_template_is_refused_naming_the_field(string script, string error)
    {
        var refused = Assert.Throws<CampaignValidationException>(() => InEnglish.Run(() => CampaignDefinition.Parse(Campaign(script))));

        Assert.That(refused!.Errors, Has.Some.StartsWith(error));
    }
}

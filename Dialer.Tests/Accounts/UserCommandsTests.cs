namespace Dialer.Tests.Accounts;

public sealed class UserCommandsTests : DatabaseTest
{
    [Test]
    public async Task The_first_admin_is_added_from_the_command_line_with_the_password_on_standard_input()
    {
        var added = await DialerProcess.RunWithInputAsync("una-frase-lunga-e-segreta\n", "users", "add", "admin", "--name", "Amministratore", "--role", "admin");
        var again = await DialerProcess.RunWithInputAsync("una-frase-lunga-e-segreta\n", "users", "add", "admin", "--name", "Altro", "--role", "operator");
        var weak = await DialerProcess.RunWithInputAsync("corta\n", "users", "add", "m.rossi", "--name", "Maria Rossi", "--role", "supervisor");
        var list = await DialerProcess.RunAsync("users", "list");

        Assert.Multiple(() =>
        {
            Assert.That((added.Exit, added.Out.Trim()), Is.EqualTo((0, "Account admin added (admin).")), added.Err);
            Assert.That((again.Exit, again.Err.Trim()), Is.EqualTo((2, "error: username: l'account \"admin\" esiste già.")));
            Assert.That((weak.Exit, weak.Err.Trim()), Is.EqualTo((2, "error: password: almeno 12 caratteri.")));
            Assert.That(list.Out, Does.Match(@"admin\s+admin\s+active\s+Amministratore"));
            Assert.That(added.Out + added.Err + list.Out, Does.Not.Contain("una-frase"), "the password is never printed");
        });
    }

    [Test]
    public async Task An_operator_account_from_the_command_line_gets_its_console_profile_and_the_change_is_audited()
    {
        var added = await DialerProcess.RunWithInputAsync("una-frase-lunga-e-segreta\n", "users", "add", "anna", "--name", "Anna Bianchi", "--role", "operator");
        var wrongRole = await DialerProcess.RunWithInputAsync("una-frase-lunga-e-segreta\n", "users", "add", "bruno", "--name", "Bruno", "--role", "capo");
        await using var conn = await Db.OpenConnectionAsync();
        var profile = await conn.QuerySingleOrDefaultAsync<string>("SELECT display_name FROM operators WHERE identity = 'anna'");
        var audited = (await conn.QueryAsync<(string Actor, string Subject)>(
            "SELECT actor, subject FROM audit_log WHERE action = 'user_changed' ORDER BY id")).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(added.Exit, Is.Zero, added.Err);
            Assert.That(added.Out, Does.Contain("Operator anna ready for every campaign"));
            Assert.That(profile, Is.EqualTo("Anna Bianchi"));
            Assert.That(audited.Select(a => a.Subject), Is.EqualTo(new[] { "user:anna" }));
            Assert.That(audited.Single().Actor, Does.EndWith(" (riga di comando)"));
            Assert.That(wrongRole.Exit, Is.Not.Zero);
            Assert.That(wrongRole.Err, Does.Contain("'capo' not recognized").And.Contain("'operator'"), "the parser names the roles");
        });
    }
}

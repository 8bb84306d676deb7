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
}

using Dialer.Core.Accounts;
using Microsoft.Extensions.Time.Testing;

namespace Dialer.Tests.Accounts;

public sealed class UserAccountsTests : DatabaseTest
{
    static readonly DateTimeOffset Now = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);
    const string Password = "una-frase-lunga-e-segreta";

    FakeTimeProvider clock = null!;
    UserAccounts accounts = null!;

    [SetUp]
    public void SetUpAccounts()
    {
        clock = new FakeTimeProvider(Now);
        accounts = new UserAccounts(Db, clock);
    }

    [Test]
    public async Task A_password_is_stored_only_as_a_salted_hash_and_signs_the_user_in()
    {
        var added = await accounts.AddAsync("m.rossi", "Maria Rossi", UserRole.Admin, Password, default);
        var again = await accounts.AddAsync("l.verdi", "Luca Verdi", UserRole.Operator, Password, default);

        var signedIn = await accounts.SignInAsync("m.rossi", Password, default);
        var hashes = await HashesAsync();

        Assert.Multiple(() =>
        {
            Assert.That((added.Username, added.Role, added.Active), Is.EqualTo(("m.rossi", UserRole.Admin, true)));
            Assert.That(signedIn.Outcome, Is.EqualTo(SignInOutcome.Succeeded));
            Assert.That(signedIn.User!.Id, Is.EqualTo(added.Id));
            Assert.That(hashes, Has.None.Contains(Password));
            Assert.That(hashes.Distinct().Count(), Is.EqualTo(2), "the same password, two salts");
            Assert.That(again.Role, Is.EqualTo(UserRole.Operator));
        });
    }

    [Test]
    public async Task A_wrong_password_and_an_unknown_user_answer_alike()
    {
        await accounts.AddAsync("m.rossi", "Maria Rossi", UserRole.Supervisor, Password, default);

        var wrong = await accounts.SignInAsync("m.rossi", "non-e-la-password", default);
        var unknown = await accounts.SignInAsync("nessuno", Password, default);

        Assert.That((wrong, unknown), Is.EqualTo((new SignInResult(SignInOutcome.Failed), new SignInResult(SignInOutcome.Failed))));
    }

    [Test]
    public async Task Five_failures_in_a_row_lock_the_account_for_fifteen_minutes_even_against_the_right_password()
    {
        await accounts.AddAsync("m.rossi", "Maria Rossi", UserRole.Operator, Password, default);
        var results = new List<SignInOutcome>();
        for (var i = 0; i < UserAccounts.MaxFailedSignIns; i++) results.Add((await accounts.SignInAsync("m.rossi", "sbagliata-" + i, default)).Outcome);

        var during = await accounts.SignInAsync("m.rossi", Password, default);
        clock.Advance(UserAccounts.LockoutPeriod);
        var after = await accounts.SignInAsync("m.rossi", Password, default);

        Assert.Multiple(() =>
        {
            Assert.That(results, Is.EqualTo(new[] { SignInOutcome.Failed, SignInOutcome.Failed, SignInOutcome.Failed, SignInOutcome.Failed, SignInOutcome.LockedOut }));
            Assert.That(during, Is.EqualTo(new SignInResult(SignInOutcome.LockedOut, LockedUntil: Now + UserAccounts.LockoutPeriod)));
            Assert.That(after.Outcome, Is.EqualTo(SignInOutcome.Succeeded));
        });
    }

    [Test]
    public async Task A_success_resets_the_count_of_failures()
    {
        await accounts.AddAsync("m.rossi", "Maria Rossi", UserRole.Operator, Password, default);
        for (var i = 0; i < UserAccounts.MaxFailedSignIns - 1; i++) await accounts.SignInAsync("m.rossi", "sbagliata", default);
        await accounts.SignInAsync("m.rossi", Password, default);

        var afterOneMore = await accounts.SignInAsync("m.rossi", "sbagliata", default);

        Assert.That(afterOneMore.Outcome, Is.EqualTo(SignInOutcome.Failed), "not locked: the count started again");
    }

    [Test]
    public async Task A_user_changes_their_password_by_proving_the_current_one()
    {
        await accounts.AddAsync("m.rossi", "Maria Rossi", UserRole.Operator, Password, default);
        const string next = "un-altra-frase-segreta";

        var wrongCurrent = Assert.ThrowsAsync<UserAccountException>(() => accounts.ChangePasswordAsync("m.rossi", "sbagliata-davvero", next, default));
        var tooShort = Assert.ThrowsAsync<UserAccountException>(() => accounts.ChangePasswordAsync("m.rossi", Password, "corta", default));
        await accounts.ChangePasswordAsync("m.rossi", Password, next, default);

        Assert.Multiple(async () =>
        {
            Assert.That(wrongCurrent!.Errors, Is.EqualTo(new[] { "currentPassword: non è la password attuale." }));
            Assert.That(tooShort!.Errors, Is.EqualTo(new[] { "newPassword: almeno 12 caratteri." }));
            Assert.That((await accounts.SignInAsync("m.rossi", Password, default)).Outcome, Is.EqualTo(SignInOutcome.Failed));
            Assert.That((await accounts.SignInAsync("m.rossi", next, default)).Outcome, Is.EqualTo(SignInOutcome.Succeeded));
        });
    }

    [Test]
    public async Task Bad_accounts_are_refused_field_by_field_and_an_existing_one_is_never_replaced()
    {
        await accounts.AddAsync("m.rossi", "Maria Rossi", UserRole.Admin, Password, default);

        var bad = Assert.ThrowsAsync<UserAccountException>(() => accounts.AddAsync("M Rossi", " ", UserRole.Operator, "corta", default));
        var taken = Assert.ThrowsAsync<UserAccountException>(() => accounts.AddAsync("m.rossi", "Altra Maria", UserRole.Operator, Password, default));

        Assert.Multiple(async () =>
        {
            Assert.That(bad!.Errors.Select(e => e.Split(':')[0]), Is.EqualTo(new[] { "username", "name", "password" }));
            Assert.That(taken!.Errors, Is.EqualTo(new[] { "username: l'account \"m.rossi\" esiste già." }));
            Assert.That((await accounts.ListAsync(default)).Single().Role, Is.EqualTo(UserRole.Admin));
        });
    }

    static async Task<IReadOnlyList<string>> HashesAsync()
    {
        await using var conn = await Db.OpenConnectionAsync();
        return (await conn.QueryAsync<string>("SELECT password_hash FROM user_accounts")).ToList();
    }
}

using Dialer.Core.Operators;
using Dialer.Core.Outcomes;
using Dialer.Tests.Operators;
using MassTransit.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Tests.Outcomes;

/// <summary>
/// The real disposition service on the test database, publishing through MassTransit's in-memory test harness
/// (which records what was published). Each test has anna on a call (attempt <see cref="Attempt"/>) in campaign cob23.
/// </summary>
public abstract class DispositionsTest : OperatorsTest
{
    ServiceProvider? provider;

    protected ITestHarness Harness { get; private set; } = null!;
    protected DispositionLedger Dispositions { get; private set; } = null!;
    protected long Campaign { get; private set; }
    protected long Attempt { get; private set; }
    protected long Anna { get; private set; }

    protected const string Cf = "RSSMRA80A01F205X";
    protected const string Phone = "+393471234567";

    [SetUp]
    public async Task StartAsync()
    {
        provider = new ServiceCollection().AddLogging().AddMassTransitTestHarness().BuildServiceProvider(true);
        Harness = provider.GetRequiredService<ITestHarness>();
        await Harness.Start();
        // The roster publishes its presence moves to the same harness.
        Roster = new OperatorRoster(Db, Clock, NullLogger<OperatorRoster>.Instance, Harness.Bus);
        Dispositions = new DispositionLedger(Db, Roster, Harness.Bus, Clock, NullLogger<DispositionLedger>.Instance);

        Campaign = await CampaignAsync();
        Anna = (await OperatorAsync("anna")).Id;
        await OperatorAsync("bruno");
        await using var conn = await Db.OpenConnectionAsync();
        await conn.ExecuteAsync("INSERT INTO cpi_offices (code, name) VALUES ('MI_CENTRO', 'CPI Milano Centro')");
        Attempt = await OnCallAsync("anna", Campaign, Cf, Phone);
    }

    [TearDown]
    public async Task StopAsync()
    {
        await Harness.Stop();
        if (provider is not null) await provider.DisposeAsync();
    }

    protected Task<DispositionResult> RecordAsync(DispositionRequest request, string identity = "anna", long? attempt = null) =>
        Dispositions.RecordAsync(attempt ?? Attempt, identity, request, CancellationToken.None);

    /// <summary>Local Rome time two days after the test's start (Wednesday 25 November 2026).</summary>
    protected static AppointmentRequest Appointment(string? cpi = "MI_CENTRO", string? at = "2026-11-25T10:30", string? channel = "in_person",
        bool? reminderConsent = true, bool? privacyNoticeGiven = true, string? reason = null) =>
        new(cpi, at, channel, reminderConsent, privacyNoticeGiven, reason);

    protected static async Task<T> ScalarAsync<T>(string sql, object? parameters = null)
    {
        await using var conn = await Db.OpenConnectionAsync();
        return (await conn.ExecuteScalarAsync<T>(sql, parameters))!;
    }
}

namespace Dialer.Tests.Telephony;

/// <summary>Stores used without the host (no AddDialerDatabase) need Dapper's snake_case mapping too.</summary>
[SetUpFixture]
public sealed class TelephonyTestSetup
{
    [OneTimeSetUp]
    public void MapSnakeCaseColumns() => DefaultTypeMap.MatchNamesWithUnderscores = true;
}

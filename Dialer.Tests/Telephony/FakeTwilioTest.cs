namespace Dialer.Tests.Telephony;

/// <summary>Tests of the client against a fresh <see cref="FakeTwilio"/> each (and a clean database, for the reconciler's store).</summary>
public abstract class FakeTwilioTest : DatabaseTest
{
    protected FakeTwilio Twilio { get; private set; } = null!;

    [SetUp]
    public async Task StartTwilioAsync() => Twilio = await FakeTwilio.StartAsync();

    [TearDown]
    public async Task StopTwilioAsync() => await Twilio.DisposeAsync();
}

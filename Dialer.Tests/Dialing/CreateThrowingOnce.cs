using Dialer.Core.Telephony;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Tests.Dialing;

/// <summary>
/// The worker's own telephony client, except that its first create throws an exception the dialing loop does not
/// expect (a bug, not an outage) before anything is sent. Everything else goes through to the emulator.
/// </summary>
public sealed class CreateThrowingOnce(ITelephonyClient inner, CreateThrowingOnce.Fault fault) : ITelephonyClient
{
    /// <summary>Shared by every instance of one worker (the client is transient): how many creates have thrown.</summary>
    public sealed class Fault
    {
        int thrown;

        public int Thrown => Volatile.Read(ref thrown);

        public bool Take() => Interlocked.CompareExchange(ref thrown, 1, 0) == 0;
    }

    /// <summary>Replaces the worker's client registration with this decorator around it.</summary>
    public static void Decorate(IServiceCollection services, Fault fault)
    {
        var own = services.Last(d => d.ServiceType == typeof(ITelephonyClient));
        services.AddTransient<ITelephonyClient>(sp => new CreateThrowingOnce((ITelephonyClient)own.ImplementationFactory!(sp), fault));
    }

    public Task<PlaceCallResult> PlaceCallAsync(CallRequest request, CancellationToken ct) =>
        fault.Take() ? throw new InvalidOperationException("injected: a bug in the create") : inner.PlaceCallAsync(request, ct);

    public Task<ProviderCall> FetchCallAsync(string callSid, CancellationToken ct) => inner.FetchCallAsync(callSid, ct);

    public Task<ProviderCall> RedirectAsync(string callSid, Uri twimlUrl, CancellationToken ct) => inner.RedirectAsync(callSid, twimlUrl, ct);

    public Task<ProviderCall> HangUpAsync(string callSid, CancellationToken ct) => inner.HangUpAsync(callSid, ct);

    public Task<ProviderCall> CancelAsync(string callSid, CancellationToken ct) => inner.CancelAsync(callSid, ct);

    public Task<IReadOnlyList<ProviderCall>> ListCallsAsync(CallFilter filter, CancellationToken ct) => inner.ListCallsAsync(filter, ct);
}

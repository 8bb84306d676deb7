using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting.Server;

namespace Dialer.Worker.Telephony.Emulator;

/// <summary>
/// The Twilio emulator on its own Kestrel, on loopback only: the Twilio REST surface under /2010-04-01 and the control
/// API under /_emulator. <c>await EmulatorHost.StartAsync(options)</c> gives the base URL and the engine.
/// </summary>
public sealed class EmulatorHost : IAsyncDisposable
{
    readonly WebApplication app;

    EmulatorHost(WebApplication app, TwilioEmulator emulator, Uri baseUrl)
    {
        this.app = app;
        Emulator = emulator;
        BaseUrl = baseUrl;
    }

    public TwilioEmulator Emulator { get; }

    /// <summary>Where the emulator listens, e.g. http://127.0.0.1:5081 (what the client uses as Twilio:BaseUrl).</summary>
    public Uri BaseUrl { get; }

    /// <summary>
    /// Starts the emulator at <paramref name="url"/> (loopback only; port 0 picks a free port). <paramref name="time"/> is the
    /// simulation clock (an <see cref="AcceleratedClock"/> makes tests fast); <paramref name="configure"/> adds logging
    /// and the like to the host before it is built.
    /// </summary>
    public static async Task<EmulatorHost> StartAsync(EmulatorOptions options, string url = "http://127.0.0.1:0", TimeProvider? time = null,
        Action<WebApplicationBuilder>? configure = null, CancellationToken ct = default)
    {
        RequireLoopback(url);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        configure?.Invoke(builder);
        builder.WebHost.UseUrls(url);
        // Whoever starts the emulator stops it (the demo, the command, a test): no Ctrl+C handling of its own.
        builder.Services.AddSingleton<IHostLifetime, OwnedLifetime>();
        builder.Services.AddSingleton(sp => new TwilioEmulator(options, time, sp.GetRequiredService<ILoggerFactory>().CreateLogger<TwilioEmulator>()));
        var app = builder.Build();
        app.MapEmulatorControlApi();
        app.UseTwilioRestApi();
        var emulator = app.Services.GetRequiredService<TwilioEmulator>();
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new EmulatorHost(app, emulator, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)));
    }

    /// <summary>Refuses anything but loopback addresses: the emulator has a control API anyone reaching it could use.</summary>
    public static void RequireLoopback(string urls)
    {
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var ok = Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp &&
                     (uri.Host is "127.0.0.1" or "localhost" or "[::1]" || uri.IsLoopback && uri.Host != "0.0.0.0");
            if (!ok)
                throw new ArgumentException($"The Twilio emulator listens on loopback only, over http (e.g. http://127.0.0.1:5081), not '{url}'.");
        }
    }

    sealed class OwnedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();   // disposes the engine too (a singleton)
    }
}

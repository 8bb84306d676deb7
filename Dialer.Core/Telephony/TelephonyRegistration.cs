using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Dialer.Core.Telephony;

public static class TelephonyRegistration
{
    /// <summary>
    /// The Twilio client (Twilio's SDK over a typed HttpClient whose handler runs our resilience: no re-sent create), its breaker,
    /// the call store and reconciler. With <c>Telephony:Provider=Emulator</c> (the default) the same client talks to the emulator.
    /// </summary>
    public static IServiceCollection AddTelephony(this IServiceCollection services, IConfiguration configuration)
    {
        // `dialer demo` composes the API and the worker, which both add telephony: once is enough.
        if (services.Any(d => d.ServiceType == typeof(TelephonyHealth))) return services;

        services.AddOptions<TelephonyOptions>().BindConfiguration(TelephonyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<TelephonyOptions>, TelephonyOptionsValidator>();
        services.AddOptions<TwilioOptions>().BindConfiguration(TwilioOptions.Section)
            .PostConfigure<IOptions<TelephonyOptions>>((o, telephony) =>
            {
                if (telephony.Value.Provider == TelephonyProvider.Emulator) o.ApplyEmulatorDefaults();
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<TwilioOptions>, TwilioOptionsValidator>();

        services.AddSingleton<TelephonyHealth>();
        services.AddTransient<TwilioHttpHandler>();
        services.AddHttpClient<ITelephonyClient, TwilioClient>()
            .AddHttpMessageHandler<TwilioHttpHandler>()
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,   // as twilio-csharp: a redirect from the API is an error, not a place to re-POST
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            })
            // The factory's default loggers write request URIs, and list queries carry the number dialled.
            .RemoveAllLoggers();
        services.AddSingleton<SoftphoneTokens>();
        services.AddSingleton<ProviderCallStore>();
        services.AddSingleton<CallRoutes>();
        services.AddTransient<CallReconciler>();
        return services;
    }

    // The environment is optional so that a bare service collection (a test's) can still resolve the options.
    sealed class TelephonyOptionsValidator(IHostEnvironment? environment = null) : IValidateOptions<TelephonyOptions>
    {
        public ValidateOptionsResult Validate(string? name, TelephonyOptions options) =>
            environment is not null && TelephonyOptions.RefusedIn(environment, options.Provider) is { } refusal
                ? ValidateOptionsResult.Fail(refusal)
                : ValidateOptionsResult.Success;
    }

    sealed class TwilioOptionsValidator(IOptions<TelephonyOptions> telephony) : IValidateOptions<TwilioOptions>
    {
        public ValidateOptionsResult Validate(string? name, TwilioOptions options) =>
            TwilioOptions.Validate(options, telephony.Value) is { } failure ? ValidateOptionsResult.Fail(failure) : ValidateOptionsResult.Success;
    }
}

using Dialer.Core.Outcomes;
using Dialer.Core.Telemetry;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Core.Messaging;

public static class MessagingRegistration
{
    /// <summary>
    /// MassTransit on the configured transport, with the consumers the caller registers. In memory, events
    /// reach only this process; API and worker replicas in separate processes need RabbitMQ.
    /// </summary>
    public static IServiceCollection AddDialerMessaging(this IServiceCollection services, IConfiguration configuration,
        Action<IBusRegistrationConfigurator>? consumers = null)
    {
        // Bound now (not only at start-up) because the transport decides what is registered; an unknown
        // transport name fails here with the configuration binder's message naming the setting.
        var options = configuration.GetSection(MessagingOptions.Section).Get<MessagingOptions>(o => o.ErrorOnUnknownConfiguration = false) ?? new();
        services.AddOptions<MessagingOptions>().BindConfiguration(MessagingOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        // Without this, StartAsync returns before RabbitMQ's queues and bindings exist and the first
        // publish on a fresh broker is silently lost (docs/build-environment.md §3).
        services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);

        services.AddMassTransit(x =>
        {
            x.SetKebabCaseEndpointNameFormatter();
            // MassTransit 8.4+ posts usage telemetry to its vendor a few minutes after start unless told not to: a
            // public body's system sends nothing outside unasked (docs/security-and-configuration.md).
            x.DisableUsageTelemetry();
            // Provider callbacks and call-back dispositions applied to attempts, operators and the queue
            x.AddOutcomeConsumers();
            // The call counters of the Dialer meter, from the same events
            x.AddConsumer<CallMetrics>();
            consumers?.Invoke(x);
            if (options.Transport == MessagingTransport.RabbitMQ)
            {
                x.UsingRabbitMq((context, cfg) =>
                {
                    cfg.Host(options.RabbitMQ.Host, h =>
                    {
                        h.Username(options.RabbitMQ.Username);
                        h.Password(options.RabbitMQ.Password);
                    });
                    cfg.ConfigureEndpoints(context);
                });
            }
            else
            {
                x.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
            }
        });
        return services;
    }
}

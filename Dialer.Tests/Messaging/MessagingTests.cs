using Dialer.Core.Messaging;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dialer.Tests.Messaging;

public sealed class MessagingTests
{
    [Test]
    public async Task In_memory_transport_delivers_a_published_event()
    {
        var received = await PublishAndReceiveAsync(new Dictionary<string, string?> { ["Messaging:Transport"] = "InMemory" });

        Assert.That(received, Is.EqualTo("in-memory"));
    }

    [Test]
    public async Task RabbitMQ_transport_delivers_a_published_event_through_the_broker()
    {
        // ./dialer test starts a private broker on 127.0.0.1:5673 and sets DIALER_TEST_RABBIT.
        var url = Environment.GetEnvironmentVariable("DIALER_TEST_RABBIT");
        if (string.IsNullOrEmpty(url)) Assert.Ignore("DIALER_TEST_RABBIT is not set: no RabbitMQ broker for this run.");
        var uri = new Uri(url);
        var credentials = uri.UserInfo.Split(':');

        var received = await PublishAndReceiveAsync(new Dictionary<string, string?>
        {
            ["Messaging:Transport"] = "RabbitMQ",
            ["Messaging:RabbitMQ:Host"] = new UriBuilder(uri) { UserName = "", Password = "" }.Uri.ToString(),
            ["Messaging:RabbitMQ:Username"] = credentials[0],
            ["Messaging:RabbitMQ:Password"] = credentials[1],
        }, marker: "rabbitmq", brokerStartup: TimeSpan.FromSeconds(60));

        Assert.That(received, Is.EqualTo("rabbitmq"));
    }

    [Test]
    public void An_unknown_transport_is_refused_at_start_up()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Messaging:Transport"] = "Carrier-Pigeon" });

        Assert.That(() => builder.Services.AddDialerMessaging(builder.Configuration), Throws.InstanceOf<InvalidOperationException>());
    }

    [Test]
    public void The_bus_sends_no_usage_telemetry_to_the_vendor()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        builder.Services.AddDialerMessaging(builder.Configuration);
        using var host = builder.Build();

        var telemetry = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<UsageTelemetryOptions>>().Value;

        Assert.That(telemetry.Enabled, Is.False, "MassTransit 8.4+ reports usage to its vendor unless told not to");
    }

    static async Task<string> PublishAndReceiveAsync(Dictionary<string, string?> settings, string marker = "in-memory", TimeSpan? brokerStartup = null)
    {
        var deadline = DateTime.UtcNow + (brokerStartup ?? TimeSpan.Zero);
        while (true)
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders();
            var inbox = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            builder.Services.AddSingleton(inbox);
            builder.Services.AddDialerMessaging(builder.Configuration, x => x.AddConsumer<ProbeConsumer>());
            using var host = builder.Build();
            try
            {
                // WaitUntilStarted: StartAsync returns once the broker's queues and bindings exist.
                await host.StartAsync();
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                // The broker is still booting (it takes 10-15 s); try again.
                await Task.Delay(1000);
                continue;
            }
            try
            {
                await host.Services.GetRequiredService<IBus>().Publish(new Probe(marker));
                return await inbox.Task.WaitAsync(TimeSpan.FromSeconds(20));
            }
            finally
            {
                await host.StopAsync();
            }
        }
    }

    public sealed record Probe(string Marker);

    sealed class ProbeConsumer(TaskCompletionSource<string> inbox) : IConsumer<Probe>
    {
        public Task Consume(ConsumeContext<Probe> context)
        {
            inbox.TrySetResult(context.Message.Marker);
            return Task.CompletedTask;
        }
    }
}

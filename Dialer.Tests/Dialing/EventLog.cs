using System.Collections.Concurrent;
using Dialer.Core.Dialing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Tests.Dialing;

/// <summary>The dialing events a host's bus delivers, collected by a receive endpoint connected at run time.</summary>
public sealed class EventLog
{
    readonly ConcurrentQueue<object> received = new();

    public static EventLog Attach(IServiceProvider services)
    {
        var log = new EventLog();
        var bus = services.GetRequiredService<IBus>();
        var handle = bus.ConnectReceiveEndpoint($"test-events-{Guid.NewGuid():N}", e =>
        {
            e.Handler<CallPlaced>(c => log.Add(c.Message));
            e.Handler<CallAnswered>(c => log.Add(c.Message));
            e.Handler<CallCompleted>(c => log.Add(c.Message));
            e.Handler<DispositionRecorded>(c => log.Add(c.Message));
            e.Handler<IntakeAccepted>(c => log.Add(c.Message));
        });
        handle.Ready.GetAwaiter().GetResult();
        return log;
    }

    Task Add(object message)
    {
        received.Enqueue(message);
        return Task.CompletedTask;
    }

    public IReadOnlyList<T> Of<T>() => received.OfType<T>().ToList();
}

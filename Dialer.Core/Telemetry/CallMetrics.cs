using Dialer.Core.Dialing;
using MassTransit;

namespace Dialer.Core.Telemetry;

/// <summary>
/// Counts calls from the events the dialing engine publishes once the state they report is durable. With RabbitMQ one
/// replica receives each event (a shared queue), in memory the publishing process does: each event is counted once.
/// </summary>
public sealed class CallMetrics(DialerMetrics metrics) : IConsumer<CallPlaced>, IConsumer<CallAnswered>, IConsumer<CallCompleted>
{
    public Task Consume(ConsumeContext<CallPlaced> context)
    {
        metrics.CallPlaced(context.Message.CampaignId, context.Message.Mode);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<CallAnswered> context)
    {
        metrics.CallAnswered(context.Message.CampaignId);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<CallCompleted> context)
    {
        metrics.CallCompleted(context.Message.CampaignId, context.Message.Outcome, context.Message.Abandoned);
        return Task.CompletedTask;
    }
}

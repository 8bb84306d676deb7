using System.ComponentModel.DataAnnotations;

namespace Dialer.Core.Messaging;

public enum MessagingTransport { InMemory, RabbitMQ }

/// <summary>How events travel between processes: in memory (one process) or through RabbitMQ (scaled out).</summary>
public sealed class MessagingOptions
{
    public const string Section = "Messaging";

    public MessagingTransport Transport { get; set; } = MessagingTransport.InMemory;

    public RabbitMqOptions RabbitMQ { get; set; } = new();
}

public sealed class RabbitMqOptions
{
    /// <summary>amqp://host:port/vhost; the credentials go in Username and Password.</summary>
    [Required]
    public Uri Host { get; set; } = new("amqp://127.0.0.1:5672/");

    public string Username { get; set; } = "guest";

    /// <summary>A secret: set it with the environment variable Messaging__RabbitMQ__Password.</summary>
    public string Password { get; set; } = "guest";
}

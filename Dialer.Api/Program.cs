using Dialer.Api;
using Dialer.Api.Logging;
using Dialer.Core;
using Dialer.Core.Database;
using Dialer.Core.Messaging;

var builder = WebApplication.CreateBuilder(args);

// Structured console logging, without personal data
builder.Logging.AddDialerLogging(builder.Configuration);

// PostgreSQL: the configured server, or the embedded cluster this process starts (and stops on exit)
await using var database = await DatabaseAttachment.AttachAsync(builder.Configuration, LoggingRegistration.CreateBootstrapLoggers(builder.Configuration));

// Data and domain: Npgsql data source, Dapper settings, stores, workflows, options
builder.Services.AddDialerCore(builder.Configuration);

// Events between processes (in memory, or RabbitMQ when scaled out)
builder.Services.AddDialerMessaging(builder.Configuration);

// Pages, API endpoints, webhooks, health
builder.AddDialerApi();

var app = builder.Build();
app.MapDialerApi();
await app.RunAsync();

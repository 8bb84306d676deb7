namespace Dialer.Api;

/// <summary>
/// Names this assembly for WebApplicationFactory: both Dialer.Api and the worker (a web project, for
/// `dialer demo`) have a generated public <c>Program</c>, so tests cannot name it unambiguously.
/// </summary>
public sealed class ApiAssembly;

using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Core.Notices;

public static class NoticesRegistration
{
    /// <summary>Notice import (files → notices, spells, per-person state) and the quarantine.</summary>
    public static IServiceCollection AddNotices(this IServiceCollection services)
    {
        services.AddSingleton<NoticeIngest>();
        services.AddSingleton<NoticeQuarantine>();
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Core.Accounts;

public static class AccountsRegistration
{
    /// <summary>Local accounts and their passwords, personal API tokens, and the shared Data Protection key ring (docs/accounts.md).</summary>
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.AddSingleton<UserAccounts>();
        services.AddSingleton<ApiTokens>();
        services.AddSingleton<DataProtectionKeys>();
        return services;
    }
}

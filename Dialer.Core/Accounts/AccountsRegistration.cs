using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Core.Accounts;

public static class AccountsRegistration
{
    /// <summary>Local accounts and their passwords (sign-in comes with the console, issue 15).</summary>
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.AddSingleton<UserAccounts>();
        return services;
    }
}

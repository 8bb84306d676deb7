using Dialer.Core.Campaigns;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Core.Selection;

public static class SelectionRegistration
{
    /// <summary>Campaigns, eligibility, the nightly selection and its recurring jobs, the objection register, territories.</summary>
    public static IServiceCollection AddDialerSelection(this IServiceCollection services)
    {
        services.AddSingleton<CampaignStore>();
        services.AddSingleton<CampaignChanges>();
        services.AddSingleton<CampaignOverview>();
        services.AddSingleton<Eligibility>();
        services.AddSingleton<NightlySelection>();
        services.AddSingleton<NightlySchedule>();
        services.AddTransient<NightlySelectionJob>();
        services.AddSingleton<ObjectionRegister>();
        services.AddSingleton<Territories>();
        return services;
    }
}

using Quartz;

namespace Dialer.Worker.Scheduling;

public static class SchedulerRegistration
{
    /// <summary>
    /// Quartz with its clustered persistent store in the Dialer database. The schema is created by our
    /// migrations (0001_quartz_job_store.sql) and only validated here, never created at run time.
    /// </summary>
    public static IServiceCollection AddDialerScheduler(this IServiceCollection services, IConfiguration configuration,
        Action<IQuartzBuilder>? jobs = null)
    {
        services.AddOptions<SchedulerOptions>().BindConfiguration(SchedulerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var options = configuration.GetSection(SchedulerOptions.Section).Get<SchedulerOptions>() ?? new();
        var connectionString = configuration.GetConnectionString(Dialer.Core.Database.DatabaseAttachment.ConnectionStringName)
            ?? throw new InvalidOperationException("ConnectionStrings:Dialer must be set before the scheduler is registered.");

        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(s =>
            {
                s.InstanceName = options.Name;
                s.InstanceId = options.InstanceId;
                s.GenerateInstanceId = options.InstanceId == "AUTO";
            });
            q.UseDefaultThreadPool(options.MaxConcurrency);
            q.UsePersistentStore(store =>
            {
                store.UsePostgres(NpgsqlFactory.Instance, connectionString);
                store.UseSystemTextJsonSerializer();
                store.UseClustering(c => c.CheckinInterval = options.CheckinInterval);
                store.ConfigureStore(s => s.SchemaProvisioning = SchemaProvisioning.Validate);
            });
            jobs?.Invoke(q);
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return services;
    }
}

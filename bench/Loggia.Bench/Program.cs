using BenchmarkDotNet.Running;
using Loggia.Bench;

if (args is ["size-vs-duckdb", ..])
{
    return SizeComparison.Run();
}

if (args is ["logql", .. var logqlArgs])
{
    return Loggia.Bench.LogQL.LogQLThroughput.Run(logqlArgs);
}

if (args is ["bloom", .. var bloomArgs])
{
    return Loggia.Bench.Bloom.BloomNeedle.Run(bloomArgs);
}

if (args is ["syslog", .. var syslogArgs])
{
    return await Loggia.Bench.Ingest.SyslogLoad.RunAsync(syslogArgs);
}

if (args is ["ingest-stages", .. var stageArgs])
{
    return Loggia.Bench.Ingest.IngestStages.Run(stageArgs);
}

if (args is ["needle", .. var needleArgs])
{
    return await Loggia.Bench.Needle.NeedleBenchmark.RunAsync(needleArgs);
}

if (args is ["ingest", .. var rest])
{
    return await Loggia.Bench.Ingest.IngestLoad.RunAsync(rest);
}

BenchmarkSwitcher.FromAssembly(typeof(ParquetBenchmarks).Assembly).Run(args);
return 0;

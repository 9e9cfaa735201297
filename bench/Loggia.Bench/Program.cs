using BenchmarkDotNet.Running;
using Loggia.Bench;

if (args is ["size-vs-duckdb", ..])
{
    return SizeComparison.Run();
}

BenchmarkSwitcher.FromAssembly(typeof(ParquetBenchmarks).Assembly).Run(args);
return 0;

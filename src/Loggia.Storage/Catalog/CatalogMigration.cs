namespace Loggia.Storage.Catalog;

/// <summary>
/// One step of the catalog schema: the SQL that takes a database from version
/// <c><see cref="Version"/> - 1</c> to <see cref="Version"/>. Applied in a transaction together
/// with its <c>schema_version</c> row, so a crash mid-migration leaves the previous version intact.
/// </summary>
/// <param name="Version">The schema version this step produces; steps are numbered 1, 2, 3… without gaps.</param>
/// <param name="Description">What the step changes, recorded in <c>schema_version</c> for operators.</param>
/// <param name="Statements">The DDL/DML statements, run in order.</param>
internal sealed record CatalogMigration(int Version, string Description, IReadOnlyList<string> Statements);

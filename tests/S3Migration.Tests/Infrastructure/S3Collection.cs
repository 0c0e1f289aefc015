namespace S3Migration.Tests.Infrastructure;

/// <summary>One moto server for every test that needs S3; those tests run one at a time in this collection.</summary>
[CollectionDefinition(Name)]
public sealed class S3Collection : ICollectionFixture<MotoServer>
{
    public const string Name = "S3";
}

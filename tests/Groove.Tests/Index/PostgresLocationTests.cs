using Groove.Index;

namespace Groove.Tests.Index;

public class PostgresLocationTests
{
    [Theory]
    [InlineData("postgres://u@h/db", true)]
    [InlineData("postgresql://h/db", true)]
    [InlineData("Host=h;Database=db", true)]
    [InlineData("lib.db", false)]
    [InlineData("/music/postgres.db", false)]
    public void TellsAUrlOrConnectionStringFromAFile(string location, bool postgres) => Assert.Equal(postgres, PostgresLocation.Is(location));

    [Fact]
    public void ReadsEveryPartOfALibpqUrl()
    {
        var b = PostgresLocation.Parse("postgres://me:p%40ss@db.example:6543/music?sslmode=disable&application_name=groove&search_path=lib");
        Assert.Equal("me", b.Username);
        Assert.Equal("p@ss", b.Password);
        Assert.Equal("db.example", b.Host);
        Assert.Equal(6543, b.Port);
        Assert.Equal("music", b.Database);
        Assert.Equal(Npgsql.SslMode.Disable, b.SslMode);
        Assert.Equal("lib", b.SearchPath);
        Assert.Equal("postgres://me@db.example:6543/music", PostgresLocation.Describe(b));
    }

    [Fact]
    public void ASocketFolderIsAnEscapedHostOrAHostParameter()
    {
        Assert.Equal("/run/pg", PostgresLocation.Parse("postgres://u@%2Frun%2Fpg:5433/db").Host);
        Assert.Equal("/run/pg", PostgresLocation.Parse("postgres:///db?host=/run/pg&port=5433").Host);
        Assert.Equal("localhost", PostgresLocation.Parse("postgres:///db").Host);
        Assert.Equal("::1", PostgresLocation.Parse("postgres://u@[::1]:5432/db").Host);
    }
}

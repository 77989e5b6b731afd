namespace TestSupport;

/// <summary>A database on a <see cref="PostgreSqlServer"/> and the role that connects to it over TCP.</summary>
public sealed record PostgreSqlDatabase(string Host, int Port, string Name, string User, string Password)
{
    /// <summary>host:port, as error messages name the server.</summary>
    public string Endpoint => $"{Host}:{Port}";

    /// <summary>Never the password: records print themselves into failure messages.</summary>
    public override string ToString() => $"{Name} on {Endpoint} as {User}";
}

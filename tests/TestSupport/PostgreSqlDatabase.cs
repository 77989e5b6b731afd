namespace TestSupport;

/// <summary>A database on a <see cref="PostgreSqlServer"/> and the role that connects to it over TCP.</summary>
public sealed record PostgreSqlDatabase(string Host, int Port, string Name, string User, string Password)
{
    /// <summary>host:port, as error messages name the server.</summary>
    public string Endpoint => $"{Host}:{Port}";

    /// <summary>The bundled image's settings for this database; the password is read from <paramref name="passwordFile"/>.</summary>
    public Dictionary<string, string> ImageSettings(string passwordFile) => new()
    {
        ["PDNS_BACKEND"] = "postgresql",
        ["PDNS_PG_HOST"] = Host,
        ["PDNS_PG_PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["PDNS_PG_DATABASE"] = Name,
        ["PDNS_PG_USER"] = User,
        ["PDNS_PG_PASSWORD_FILE"] = passwordFile,
    };

    /// <summary>Never the password: records print themselves into failure messages.</summary>
    public override string ToString() => $"{Name} on {Endpoint} as {User}";
}

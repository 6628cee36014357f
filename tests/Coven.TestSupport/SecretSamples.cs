namespace Coven.TestSupport;

/// <summary>
/// One made-up secret of every kind Coven redacts (docs/redaction.md): the text a harness prints, the part that
/// must never reach COVEN_HOME, and the kind in <c>[redacted:KIND]</c>. None of these is a real credential.
/// </summary>
public static class SecretSamples
{
    public static IReadOnlyList<(string Printed, string Secret, string Kind)> All { get; } =
    [
        ("key sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z ok", "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z", "openai-api-key"),
        ("ANTHROPIC sk-ant-api03-Xy7Zq2Lm9Np4Rs6Tu1Vw3Ab5Cd8Ef0Gh-AbCdEfAA\r\n", "Xy7Zq2Lm9Np4Rs6Tu1Vw3Ab5Cd8Ef0Gh", "anthropic-api-key"),
        ("ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8 ", "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8", "github-token"),
        ("(gho_Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2)", "Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2", "github-token"),
        ("GH=ghs_Q1w2E3r4T5y6U7i8O9p0A1s2D3f4G5h6J7k8;", "Q1w2E3r4T5y6U7i8O9p0A1s2D3f4G5h6J7k8", "github-token"),
        ("pat github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX0123456789ab\n", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX", "github-token"),
        ("id AKIAZ7Q3XK4M2PLR8VWN.", "AKIAZ7Q3XK4M2PLR8VWN", "aws-access-key-id"),
        ("aws_secret_access_key = Zx9Kq2Lm7Np4Rs6Tu1Vw3Ab5Cd8Ef0GhIj2KlMnO\n", "Zx9Kq2Lm7Np4Rs6Tu1Vw3Ab5Cd8Ef0GhIj2KlMnO", "aws-secret-key"),
        ("{\"SecretAccessKey\": \"Wq8Er7Ty6Ui5Op4As3Df2Gh1Jk0Lz9Xc8Vb7Nm6Q\"}", "Wq8Er7Ty6Ui5Op4As3Df2Gh1Jk0Lz9Xc8Vb7Nm6Q", "aws-secret-key"),
        ("slack xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx end", "AbCdEfGhIjKlMnOpQrStUvWx", "slack-token"),
        ("jwt=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk ", "dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk", "jwt"),
        ("curl -H 'Authorization: Bearer q8Zt3Lm9Np4Rs6Tu1Vw3Ab5C' x", "q8Zt3Lm9Np4Rs6Tu1Vw3Ab5C", "auth-header"),
        ("use bearer Zt3Lm9Np4Rs6Tu1Vw3Ab5Cd7 now", "Zt3Lm9Np4Rs6Tu1Vw3Ab5Cd7", "bearer-token"),
        ("hdr Basic dXNlcjpodW50ZXIyc2VjcmV0\r\n", "dXNlcjpodW50ZXIyc2VjcmV0", "basic-auth"),
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7yqPrivKeyBody0123456789\nQmFzZTY0Qm9keUxpbmVUd28=\n-----END RSA PRIVATE KEY-----\n", "MIIEowIBAAKCAQEA7yqPrivKeyBody0123456789", "private-key"),
        ("password=Hunter2Secret! ", "Hunter2Secret!", "password"),
        ("DB_PASSWORD: \"c0rrect-h0rse\"\n", "c0rrect-h0rse", "password"),
        ("export CLIENT_SECRET=s3cr3tValue99\n", "s3cr3tValue99", "secret"),
        ("GET /cb?token=tok9f8e7d6c5b4a&x=1 ", "tok9f8e7d6c5b4a", "token"),
        ("git clone https://alice:Pa55w0rdXyz@db.example.com/x ", "alice:Pa55w0rdXyz", "url-credentials"),
    ];
}

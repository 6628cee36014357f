using System.Text;
using Coven.Core.Api;

namespace Coven.Core.Tests;

/// <summary>The one decoder of output event payloads (CLI logs and attach, the daemon's replayed screen and handoff).</summary>
public sealed class OutputPayloadTests
{
    [Fact]
    public void Data_IsItsUtf8Bytes() =>
        Assert.Equal(Encoding.UTF8.GetBytes("é\r\n\u001b[0m"), OutputPayload.Bytes("{\"data\":\"é\\r\\n\\u001B[0m\"}"));

    [Fact]
    public void DataBase64_IsDecoded() =>
        Assert.Equal(new byte[] { 0xFF, 0x00, 0x1B }, OutputPayload.Bytes("{\"dataBase64\":\"/wAb\"}"));

    [Theory]
    [InlineData("{\"dataBase64\":\"not base64!\"}")]
    [InlineData("{\"data\":5}")]
    [InlineData("{\"exitCode\":0}")]
    [InlineData("not json")]
    [InlineData("null")]
    public void DamagedOrOtherPayloads_AreNull(string json) => Assert.Null(OutputPayload.Bytes(json));
}

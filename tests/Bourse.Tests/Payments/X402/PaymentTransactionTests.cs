using System.Security.Cryptography;
using Bourse.Payments.X402;

namespace Bourse.Tests.Payments.X402;

public sealed class PaymentTransactionTests
{
    [Fact]
    public void TryRead_PartiallySignedV0_HashesMessageBytesAndReadsFeePayer()
    {
        var (tx, message) = X402TestData.Transaction();

        var read = PaymentTransaction.TryRead(tx, out var reason);

        Assert.NotNull(read);
        Assert.Null(reason);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(message)), read.MessageHash);
        Assert.Equal(X402TestData.FeePayer, read.FeePayer);
        Assert.True(read.IsVersioned);
        Assert.Equal(2, read.Signatures.Count);
        Assert.Equal(PaymentTransaction.EmptySignature, read.Signatures[0]);
        Assert.NotNull(read.PayerSignature);
    }

    [Fact]
    public void TryRead_SameMessageDifferentSignatures_SameId()
    {
        var (tx, _) = X402TestData.Transaction();
        var bytes = Convert.FromBase64String(tx);
        bytes[1] = 0x42; // the fee payer's co-signature does not change the payment id

        Assert.Equal(PaymentTransaction.TryRead(tx, out _)!.MessageHash, PaymentTransaction.TryRead(Convert.ToBase64String(bytes), out _)!.MessageHash);
    }

    [Theory]
    [InlineData("%%%")]
    [InlineData("AA==")]
    [InlineData("AgAA")]
    public void TryRead_NotATransaction_ReturnsReason(string base64)
    {
        Assert.Null(PaymentTransaction.TryRead(base64, out var reason));
        Assert.False(string.IsNullOrEmpty(reason));
    }

    [Fact]
    public void TryRead_Truncated_ReturnsReason()
    {
        var (tx, _) = X402TestData.Transaction();
        var bytes = Convert.FromBase64String(tx);

        Assert.Null(PaymentTransaction.TryRead(Convert.ToBase64String(bytes[..140]), out var reason));
        Assert.NotNull(reason);
    }
}

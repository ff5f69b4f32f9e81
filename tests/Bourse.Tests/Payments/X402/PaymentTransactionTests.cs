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

    [Fact]
    public void TryRead_TenThousandCorruptedTransactions_NeverThrows()
    {
        var (tx, _) = X402TestData.Transaction();
        var valid = Convert.FromBase64String(tx);
        var random = new Random(402);
        for (var i = 0; i < 10_000; i++)
        {
            var bytes = valid[..random.Next(0, valid.Length + 1)];
            for (var flips = random.Next(1, 4); flips > 0 && bytes.Length > 0; flips--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            var read = PaymentTransaction.TryRead(Convert.ToBase64String(bytes), out var reason);
            Assert.True(read is not null || !string.IsNullOrEmpty(reason));
        }
    }
}

namespace Bourse.SignIn;

public sealed record SignInResult(WalletSession? Session, SignInFailure Failure)
{
    public static SignInResult Refused(SignInFailure failure) => new(null, failure);
}

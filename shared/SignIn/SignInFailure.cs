namespace Bourse.SignIn;

/// <summary>Why a sign-in was refused (all 401 but the malformed request).</summary>
public enum SignInFailure
{
    None,
    Malformed,
    UnknownNonce,
    Expired,
    WrongAddress,
    BadSignature,
}

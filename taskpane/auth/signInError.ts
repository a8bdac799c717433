/** A sign-in that did not finish, in words the officer can act on. */
export class SignInError extends Error {
  override readonly name = "SignInError";
}

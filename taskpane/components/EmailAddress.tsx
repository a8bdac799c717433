import { makeStyles } from "@fluentui/react-components";

const useStyles = makeStyles({
  // Break only after the "@"; a part wider than the whole line still breaks rather than overflow.
  address: { overflowWrap: "break-word", wordBreak: "normal" },
});

/** An email address that wraps after its "@" in a narrow column, never in the middle of a name. */
export function EmailAddress({ email }: { email: string }) {
  const styles = useStyles();
  const at = email.indexOf("@") + 1;
  return (
    <span className={styles.address}>
      {at > 0 ? (
        <>
          {email.slice(0, at)}
          <wbr />
          {email.slice(at)}
        </>
      ) : (
        email
      )}
    </span>
  );
}

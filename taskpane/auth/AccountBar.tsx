import { Button, MessageBar, MessageBarBody, Text, makeStyles, tokens } from "@fluentui/react-components";
import type { AccountManager, SignedInUser } from "./AccountManager";

const useStyles = makeStyles({
  root: { display: "flex", flexWrap: "wrap", alignItems: "center", gap: tokens.spacingHorizontalS, rowGap: tokens.spacingVerticalXS },
  who: { overflowWrap: "anywhere", flexGrow: 1, minWidth: 0 },
});

/** Who is signed in, with which roles, and the way out. */
export function AccountBar({ accounts, user }: { accounts: AccountManager; user: SignedInUser }) {
  const styles = useStyles();
  return (
    <>
      <div className={styles.root}>
        <Text size={200} className={styles.who}>
          Signed in as <strong>{user.name}</strong>
          {user.name !== user.email && ` (${user.email})`}
          {user.roles.length > 0 && ` · ${user.roles.join(" and ")}`}
        </Text>
        <Button size="small" onClick={() => accounts.signOut()}>
          Sign out
        </Button>
      </div>
      {user.roles.length === 0 && (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            Your account has no Social Value Ledger role, so the API will refuse it. Ask an administrator to assign you Officer or Manager.
          </MessageBarBody>
        </MessageBar>
      )}
    </>
  );
}

import { FormEvent, useState } from "react";
import {
  Button,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Radio,
  RadioGroup,
  Spinner,
  Subtitle2,
  Text,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { ApiProblemNotice } from "../components/ApiProblemNotice";
import type { AccountManager, Role } from "./AccountManager";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The local sign-in's choices: each role alone, or both for someone who reviews and runs the chase. */
type RoleChoice = "officer" | "manager" | "both";
const ROLE_CHOICES: Record<RoleChoice, { label: string; roles: Role | Role[] }> = {
  officer: { label: "Officer", roles: "Officer" },
  manager: { label: "Manager", roles: "Manager" },
  both: { label: "Officer and Manager", roles: ["Officer", "Manager"] },
};

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  form: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  heading: { margin: 0 },
  actions: { display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalS, alignItems: "center" },
});

/**
 * Sign-in for a signed-out pane: a button for Microsoft 365, or a small form for the local API.
 * An Entra build (SVL_AUTH_MODE=entra, written in by DefinePlugin) drops the form's branches.
 */
export function SignInCard({ accounts, reason }: { accounts: AccountManager; reason?: string }) {
  const styles = useStyles();
  const [choice, setChoice] = useState<RoleChoice>("officer");
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [emailError, setEmailError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  async function signIn() {
    setError(undefined);
    if (process.env.SVL_AUTH_MODE !== "entra" && accounts.mode === "local" && !EMAIL.test(email.trim())) {
      setEmailError("Enter an email address, e.g. sam.patel@council.example");
      return;
    }
    setEmailError(undefined);
    setBusy(true);
    try {
      if (process.env.SVL_AUTH_MODE !== "entra" && accounts.mode === "local") await accounts.signInLocal({ role: ROLE_CHOICES[choice].roles, email, name });
      else await accounts.signIn();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    void signIn();
  }

  return (
    <section className={styles.root} aria-labelledby="sign-in-heading">
      <Subtitle2 as="h2" id="sign-in-heading" className={styles.heading}>
        Sign in
      </Subtitle2>
      {reason && (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>{reason}</MessageBarBody>
        </MessageBar>
      )}
      {process.env.SVL_AUTH_MODE !== "entra" && accounts.mode === "local" ? (
        <form className={styles.form} onSubmit={submit} noValidate>
          <Text>
            Local sign-in: the API at {accounts.apiBaseUrl} runs on this computer with its dev issuer. Choose who to be.
          </Text>
          <Field label="Role">
            <RadioGroup layout="horizontal" value={choice} onChange={(_e, data) => setChoice(data.value as RoleChoice)}>
              {Object.entries(ROLE_CHOICES).map(([value, c]) => (
                <Radio key={value} value={value} label={c.label} />
              ))}
            </RadioGroup>
          </Field>
          <Field label="Email" required validationMessage={emailError} validationState={emailError ? "error" : "none"}>
            <Input type="email" value={email} placeholder="name@council.example" onChange={(_e, data) => setEmail(data.value)} />
          </Field>
          <Field label="Name" hint="Optional; shown in audit trails.">
            <Input value={name} onChange={(_e, data) => setName(data.value)} />
          </Field>
          <div className={styles.actions}>
            <Button type="submit" appearance="primary" disabledFocusable={busy}>
              Sign in
            </Button>
            {busy && <Spinner size="tiny" label="Signing in…" labelPosition="after" />}
          </div>
        </form>
      ) : (
        <>
          <Text>Sign in with your Microsoft 365 work account to see contracts, contributions and evidence.</Text>
          <div className={styles.actions}>
            <Button appearance="primary" disabledFocusable={busy} onClick={() => void signIn()}>
              Sign in
            </Button>
            {busy && <Spinner size="tiny" label="Signing in…" labelPosition="after" />}
          </div>
        </>
      )}
      {error !== undefined && <ApiProblemNotice title="Sign-in did not finish." error={error} onRetry={() => void signIn()} />}
    </section>
  );
}

import { Component, ErrorInfo, ReactNode } from "react";
import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle } from "@fluentui/react-components";

interface Props {
  children: ReactNode;
}

interface State {
  error: Error | undefined;
}

/** A bug in one panel shows its message in the pane instead of leaving the pane blank. */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: undefined };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    // Keep the stack for whoever opens the browser's developer tools; the pane shows the message.
    console.error(error, info.componentStack);
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <MessageBar intent="error" layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>Something went wrong in this panel.</MessageBarTitle> {error.message}
        </MessageBarBody>
        <MessageBarActions>
          {/* Panels stay mounted across tabs, so the way back from a crash is to start the panel afresh here. */}
          <Button size="small" onClick={() => this.setState({ error: undefined })}>
            Reload this panel
          </Button>
        </MessageBarActions>
      </MessageBar>
    );
  }
}

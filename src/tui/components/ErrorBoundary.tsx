/** Catches a render error so the terminal can be restored and the error reported, not garbled. */
import { Component, type ReactNode } from 'react';

export class ErrorBoundary extends Component<{ onCrash: (error: Error) => void; children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override componentDidCatch(error: Error): void {
    this.props.onCrash(error);
  }

  override render(): ReactNode {
    return this.state.failed ? null : this.props.children;
  }
}

import {
  type CloudConnectErrorCode,
  type ErrorInfo,
  selectCanRetry,
  selectError,
} from '@porter/cloud-connect';
import { forwardRef, type ReactNode } from 'react';
import { partMessage } from '../messages';
import { type PartProps, partAttributes, renderPart, usePart } from './part';

/** What the user can do about an error: try again, change the account ID, or contact the vendor. */
export type ErrorAction = 'retry' | 'edit' | 'contact';

// Codes only the vendor can fix (its AWS credentials, its integration), and codes that need the
// flow to start over from the account ID (a refused ID, a session the server no longer knows).
const CONTACT_CODES: readonly string[] = ['VENDOR_CREDENTIALS', 'MISCONFIGURED'];
const EDIT_CODES: readonly string[] = ['INVALID_ACCOUNT_ID', 'SESSION_NOT_FOUND'];

/**
 * The action that matches an error code: `contact` when the vendor's own setup is broken
 * (`VENDOR_CREDENTIALS`, `MISCONFIGURED`), `edit` to start again from the account ID
 * (`INVALID_ACCOUNT_ID`, `SESSION_NOT_FOUND`), `retry` for the rest (after the fix the message
 * names, such as deleting a failed stack, `RETRY` goes back to the step that can succeed).
 */
export function errorActionOf(code: CloudConnectErrorCode): ErrorAction {
  if (CONTACT_CODES.includes(code)) return 'contact';
  if (EDIT_CODES.includes(code)) return 'edit';
  return 'retry';
}

/** What `ErrorMessage` knows, for a host that renders it itself. */
export interface ErrorMessageState {
  error: ErrorInfo;
  action: ErrorAction;
  retry(): void;
  edit(): void;
}

/** Props of `ErrorMessage`. */
export type ErrorMessageProps = Omit<PartProps<'div'>, 'children'> & {
  children?: ReactNode | ((state: ErrorMessageState) => ReactNode);
  /** Where "Contact support" goes, for errors only the vendor can fix (`VENDOR_CREDENTIALS`). */
  contactHref?: string;
  /**
   * Also render the error's developer `detail` (status, URL, cause), for a host's debug view.
   * Never shown unless asked. @default false
   */
  showDetail?: boolean;
};

/**
 * The flow's error (`role="alert"`), in the host's language, with the action that matches its
 * code: a retry button, a button back to the account ID, or a contact link. Hidden while there
 * is none. An invalid account ID shows at the field (`AccountIdError`), not here.
 */
export const ErrorMessage = forwardRef<HTMLDivElement, ErrorMessageProps>(function ErrorMessage(
  { children, contactHref, showDetail = false, ...props },
  ref,
) {
  const { api, step, context } = usePart(selectError, selectCanRetry);
  const { messages } = context;
  const { error } = api;
  const shown = error !== null && !(error.code === 'INVALID_ACCOUNT_ID' && api.isEditing);
  const action = error ? errorActionOf(error.code) : 'retry';
  const detail = (error as { detail?: unknown } | null)?.detail;
  const ours = {
    ...partAttributes('error-message', step),
    'data-code': shown ? error.code : undefined,
    'data-action': shown ? action : undefined,
    role: 'alert',
    hidden: !shown,
  };
  let content: ReactNode = null;
  if (shown && typeof children === 'function') {
    content = children({ error, action, retry: api.retry, edit: api.edit });
  } else if (children !== undefined) {
    content = children as ReactNode;
  } else if (shown) {
    content = (
      <>
        {error.message}{' '}
        {action === 'contact' ? (
          contactHref && (
            <a href={contactHref} data-part="contact-link">
              {partMessage('part.contactVendor', messages)}
            </a>
          )
        ) : action === 'edit' || !api.canRetry ? (
          <button type="button" data-part="edit-button" onClick={api.edit}>
            {partMessage('part.edit', messages)}
          </button>
        ) : (
          <button type="button" data-part="retry-button" onClick={api.retry}>
            {partMessage('part.retry', messages)}
          </button>
        )}
        {showDetail && detail !== undefined && (
          <pre data-part="error-detail" title={partMessage('part.errorDetail', messages)}>
            {typeof detail === 'string' ? detail : JSON.stringify(detail, null, 2)}
          </pre>
        )}
      </>
    );
  }
  return renderPart(
    'div',
    ours,
    { ...props, children: props.asChild ? (children as ReactNode) : content },
    ref,
  );
});

/** Sends `RETRY` ("Try again"); disabled when retrying does nothing now. */
export const RetryButton = forwardRef<HTMLButtonElement, PartProps<'button'>>(
  function RetryButton(props, ref) {
    const { api, context } = usePart(selectCanRetry);
    return renderPart(
      'button',
      api.getRetryButtonProps(),
      props,
      ref,
      partMessage('part.retry', context.messages),
    );
  },
);

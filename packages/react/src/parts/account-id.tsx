import {
  type CloudConnectSnapshot,
  localizeAccountIdError,
  selectAccountId,
  selectAccountIdError,
} from '@porter/cloud-connect';
import { useSelector } from '@xstate/react';
import { forwardRef, useCallback } from 'react';
import { useCloudConnectContext } from '../cloud-connect-context';
import { partMessage } from '../messages';
import { type PartProps, renderPart, usePart } from './part';

/** The account ID's error in the host's language, or null (a string: `===` tells a change). */
function useAccountIdErrorMessage(): string | null {
  const { actor, messages } = useCloudConnectContext();
  const select = useCallback(
    (snapshot: CloudConnectSnapshot) =>
      localizeAccountIdError(snapshot.context.accountId, snapshot.context.accountIdError, messages),
    [messages],
  );
  return useSelector(actor, select);
}

/** The form around the account ID: submitting it (button or Enter) sends `ACCOUNT_ID.SUBMIT` once. */
export const AccountIdForm = forwardRef<HTMLFormElement, PartProps<'form'>>(
  function AccountIdForm(props, ref) {
    const { api } = usePart();
    return renderPart('form', api.getFormProps(), props, ref);
  },
);

/** The input's label ("AWS account ID" unless children say otherwise). */
export const AccountIdLabel = forwardRef<HTMLLabelElement, PartProps<'label'>>(
  function AccountIdLabel(props, ref) {
    const { api, context } = usePart();
    return renderPart(
      'label',
      api.getLabelProps(),
      props,
      ref,
      partMessage('part.accountIdLabel', context.messages),
    );
  },
);

/**
 * The account ID field: labelled by `AccountIdLabel`, `aria-invalid` and `aria-describedby`
 * (pointing at `AccountIdError`) once an error shows. Typing re-renders this part only.
 */
export const AccountIdInput = forwardRef<HTMLInputElement, PartProps<'input'>>(
  function AccountIdInput(props, ref) {
    const { api } = usePart(selectAccountId, selectAccountIdError);
    return renderPart('input', api.getAccountIdInputProps(), props, ref);
  },
);

/** The account ID's problem, shown after blur or submit (hidden while there is none). */
export const AccountIdError = forwardRef<HTMLParagraphElement, PartProps<'p'>>(
  function AccountIdError(props, ref) {
    const { api } = usePart();
    const message = useAccountIdErrorMessage();
    return renderPart(
      'p',
      { ...api.getAccountIdErrorProps(), hidden: message === null },
      props,
      ref,
      message,
    );
  },
);

/** The form's submit button ("Continue"), `aria-busy` while the session is being created. */
export const SubmitButton = forwardRef<HTMLButtonElement, PartProps<'button'>>(
  function SubmitButton(props, ref) {
    const { api, context } = usePart();
    return renderPart(
      'button',
      api.getSubmitButtonProps(),
      props,
      ref,
      partMessage('part.submit', context.messages),
    );
  },
);

/**
 * Sends `EDIT` ("Change the account ID"): back to the field, the session dropped. Enabled while
 * connecting, and after a failure or revocation.
 */
export const EditButton = forwardRef<HTMLButtonElement, PartProps<'button'>>(
  function EditButton(props, ref) {
    const { api, context } = usePart();
    return renderPart(
      'button',
      api.getEditButtonProps(),
      props,
      ref,
      partMessage('part.edit', context.messages),
    );
  },
);

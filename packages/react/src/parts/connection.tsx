import { formatAccountId, selectConnection } from '@porter/cloud-connect';
import { forwardRef } from 'react';
import { partMessage } from '../messages';
import { type PartProps, partAttributes, renderPart, usePart } from './part';

/** Props of `ConnectionSummary`. */
export type ConnectionSummaryProps = PartProps<'dl'> & {
  /** How the verified time reads. @default the browser's locale, date and time, medium/short */
  formatDate?: (date: Date) => string;
};

const defaultFormat = (date: Date) =>
  new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(date);

/**
 * The verified connection: the account, the role ARN and when it was verified (a description
 * list; hidden while there is no connection).
 */
export const ConnectionSummary = forwardRef<HTMLDListElement, ConnectionSummaryProps>(
  function ConnectionSummary({ formatDate = defaultFormat, ...props }, ref) {
    const { api, step, context } = usePart(selectConnection);
    const { connection } = api;
    const { messages } = context;
    return renderPart(
      'dl',
      { ...partAttributes('connection-summary', step), hidden: connection === null },
      props,
      ref,
      connection && (
        <>
          <dt>{partMessage('part.connectionAccount', messages)}</dt>
          <dd data-part="connection-account">{formatAccountId(connection.accountId)}</dd>
          <dt>{partMessage('part.connectionRoleArn', messages)}</dt>
          <dd data-part="connection-role-arn">
            <code>{connection.roleArn}</code>
          </dd>
          <dt>{partMessage('part.connectionVerifiedAt', messages)}</dt>
          <dd data-part="connection-verified-at">
            {/* The server's time zone is not the browser's: the client's text wins. */}
            <time dateTime={connection.verifiedAt} suppressHydrationWarning>
              {formatDate(new Date(connection.verifiedAt))}
            </time>
          </dd>
        </>
      ),
    );
  },
);

/** Sends `REVOKE.START` ("Remove access"): checks for clusters, then guides the stack's deletion. */
export const RevokeButton = forwardRef<HTMLButtonElement, PartProps<'button'>>(
  function RevokeButton(props, ref) {
    const { api, context } = usePart();
    return renderPart(
      'button',
      api.getRevokeButtonProps(),
      props,
      ref,
      partMessage('part.revoke', context.messages),
    );
  },
);

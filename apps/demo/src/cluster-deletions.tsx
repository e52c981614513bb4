/**
 * Deleting a cluster lets a removal of access that it blocked go on: every open flow waiting on
 * its clusters (the page's own, an account row's) looks again, as a person expects.
 */
import { useCloudConnectActorRef, useCloudConnectStep } from '@porter/cloud-connect-react';
import { useEffect } from 'react';

const deletions = new EventTarget();

/** Tells the open flows that a cluster is gone. */
export function announceClusterDeleted(): void {
  deletions.dispatchEvent(new Event('deleted'));
}

/** Inside a flow's provider: while clusters block its removal, each deletion lists them again. */
export function RecheckBlockersOnClusterDeletion(): null {
  const actor = useCloudConnectActorRef();
  const blocked = useCloudConnectStep() === 'blocked';
  useEffect(() => {
    if (!blocked) return;
    const recheck = () => actor.send({ type: 'REVOKE.RECHECK' });
    deletions.addEventListener('deleted', recheck);
    return () => deletions.removeEventListener('deleted', recheck);
  }, [actor, blocked]);
  return null;
}

export const STALE_MESSAGE = 'This contact was changed in a contacts app since you opened it; reload to see the change, then edit again.';

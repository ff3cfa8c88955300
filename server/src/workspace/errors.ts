export const STALE_MESSAGE = 'This event was changed in a calendar app since you opened it; reload to see the change, then edit again.';

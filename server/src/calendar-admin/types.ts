/**
 * The shapes the calendar panel's admin API answers with: the one definition that the server and the admin panel
 * (admin/src/components/CalendarAdminApi.ts) both use. Types only, so that the admin bundle takes nothing else from here.
 */

export type Visibility = 'private' | 'public';
export type ShareAccess = 'read' | 'read-write';

export interface CandidateUser {
  documentId: string;
  username: string;
  email: string | null;
}

export interface CandidateRole {
  documentId: string;
  name: string;
  type: string;
}

export interface CalendarShare {
  documentId: string;
  access: ShareAccess;
  /** Exactly one of user and role is set. */
  user: CandidateUser | null;
  role: CandidateRole | null;
}

/** Absolute addresses of a calendar; null where there is none (no owner, not public, no secret link). */
export interface CalendarLinks {
  caldavUrl: string | null;
  publicFeedUrl: string | null;
  publicWebcalUrl: string | null;
  privateFeedUrl: string | null;
  privateWebcalUrl: string | null;
}

export interface CalendarDetails {
  documentId: string;
  name: string;
  slug: string;
  color: string | null;
  description: string | null;
  timezone: string | null;
  visibility: Visibility;
  components: string[];
  owner: { documentId: string; username: string } | null;
  shares: CalendarShare[];
  links: CalendarLinks;
}

export interface SharingCandidates {
  users: CandidateUser[];
  roles: CandidateRole[];
}

/** The fields an editor may set on a calendar (`owner` is a users-permissions user's documentId). */
export interface CalendarFieldsInput {
  name?: string;
  slug?: string;
  color?: string;
  description?: string | null;
  timezone?: string | null;
  visibility?: Visibility;
  owner?: string;
}

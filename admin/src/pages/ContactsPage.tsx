import { Layouts } from '@strapi/strapi/admin';

/** The contacts page: address books and their contacts. */
export default function ContactsPage() {
  return (
    <Layouts.Root>
      <Layouts.Header title="Contacts" />
    </Layouts.Root>
  );
}

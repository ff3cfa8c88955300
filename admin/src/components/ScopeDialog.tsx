import * as React from 'react';
import { Button, Dialog, Flex, Radio, Typography } from '@strapi/design-system';

import type { Translate } from '../pages/translate';
import type { Scope } from '../pages/workspace-api';

interface ScopeDialogProps {
  /** What is being done: saving a change or deleting. */
  action: 'save' | 'delete';
  /** "This event" is not offered when the change is to the repetition itself. */
  allowThis: boolean;
  onChoose: (scope: Scope) => void;
  onCancel: () => void;
  t: Translate;
}

/** Asks which occurrences of a series a change or a deletion applies to. */
export function ScopeDialog({ action, allowThis, onChoose, onCancel, t }: ScopeDialogProps) {
  const [scope, setScope] = React.useState<Scope>(allowThis ? 'this' : 'following');
  return (
    <Dialog.Root open onOpenChange={(open: boolean) => !open && onCancel()}>
      <Dialog.Content>
        <Dialog.Header>
          {action === 'save' ? t('workspace.scope.saveTitle', 'Change a repeating event') : t('workspace.scope.deleteTitle', 'Delete a repeating event')}
        </Dialog.Header>
        <Dialog.Body>
          <Flex direction="column" alignItems="stretch" gap={3}>
            <Typography>{t('workspace.scope.question', 'Which events?')}</Typography>
            <Radio.Group value={scope} onValueChange={(value: string) => setScope(value as Scope)} aria-label={t('workspace.scope.question', 'Which events?')}>
              {allowThis && <Radio.Item value="this">{t('workspace.scope.this', 'This event')}</Radio.Item>}
              <Radio.Item value="following">{t('workspace.scope.following', 'This and following events')}</Radio.Item>
              <Radio.Item value="all">{t('workspace.scope.all', 'All events')}</Radio.Item>
            </Radio.Group>
          </Flex>
        </Dialog.Body>
        <Dialog.Footer>
          <Dialog.Cancel>
            <Button variant="tertiary" onClick={onCancel}>
              {t('workspace.cancel', 'Cancel')}
            </Button>
          </Dialog.Cancel>
          <Button variant={action === 'delete' ? 'danger' : 'default'} onClick={() => onChoose(scope)}>
            {t('workspace.scope.confirm', 'OK')}
          </Button>
        </Dialog.Footer>
      </Dialog.Content>
    </Dialog.Root>
  );
}

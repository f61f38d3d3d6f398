import type { ReactNode } from 'react';
import Button, { ButtonProps } from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import type { ActionPermission } from '../../hooks/useMeshPermissions';

export interface ActionButtonProps {
  permission: ActionPermission;
  /** Id of the element that states why the action is disabled. */
  reasonId?: string;
  onClick: () => void;
  disabled?: boolean;
  variant?: ButtonProps['variant'];
  size?: ButtonProps['size'];
  children: ReactNode;
}

/**
 * A button for a mesh action: disabled while the permission is checked or
 * when it is denied, and then described by the reason.
 */
export function ActionButton(props: ActionButtonProps) {
  const { permission, reasonId, onClick, disabled, variant, size, children } =
    props;
  const denied = !permission.loading && !permission.allowed;
  return (
    <Tooltip title={permission.reason ?? ''}>
      {/* A disabled button gets no pointer events; the span shows the tooltip. */}
      <span>
        <Button
          variant={variant ?? 'outlined'}
          size={size}
          color="primary"
          disabled={disabled || !permission.allowed}
          aria-describedby={denied ? reasonId : undefined}
          onClick={onClick}
        >
          {children}
        </Button>
      </span>
    </Tooltip>
  );
}

/** The execution ARN Step Functions gives an execution named `name` of `stateMachineArn`. */
export const executionArnOf = (stateMachineArn: string, name: string): string =>
  `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

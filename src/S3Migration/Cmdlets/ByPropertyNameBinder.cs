using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Reflection;

namespace S3Migration.Cmdlets
{
    /// <summary>
    /// Binds one element of an -InputObject array to a cmdlet's ValueFromPipelineByPropertyName parameters, the way
    /// PowerShell binds a piped object: by the parameter's name or an alias, case-insensitively, converted to the
    /// parameter's type, and checked by its validation attributes. A cmdlet takes a whole array so that it knows how many
    /// items it has before the first one runs (a piped array arrives one object at a time, its length unseen); binding
    /// each element here keeps that path and the pipeline's on the same parameters, aliases and checks.
    /// Parameters given on the command line keep their value; the others are reset to their defaults for every element,
    /// as PowerShell resets pipeline-bound parameters between records.
    /// </summary>
    internal sealed class ByPropertyNameBinder
    {
        private sealed record Slot(PropertyInfo Property, string[] Names, object? Default, ValidateArgumentsAttribute[] Checks);

        private static readonly MethodInfo Validate = typeof(ValidateArgumentsAttribute)
            .GetMethod("Validate", BindingFlags.Instance | BindingFlags.NonPublic, null, new[] { typeof(object), typeof(EngineIntrinsics) }, null)!;

        private readonly PSCmdlet _cmdlet;
        private readonly List<Slot> _slots;

        /// <param name="cmdlet">the cmdlet, its pipeline parameters still at their defaults (BeginProcessing or the first ProcessRecord)</param>
        public ByPropertyNameBinder(PSCmdlet cmdlet)
        {
            _cmdlet = cmdlet;
            var given = cmdlet.MyInvocation.BoundParameters.Keys;
            _slots = cmdlet.GetType().GetProperties(BindingFlags.Instance | BindingFlags.Public)
                .Where(p => p.GetCustomAttributes<ParameterAttribute>().Any(a => a.ValueFromPipelineByPropertyName) && !given.Contains(p.Name))
                .Select(p => new Slot(p,
                    new[] { p.Name }.Concat(p.GetCustomAttributes<AliasAttribute>().SelectMany(a => a.AliasNames)).ToArray(),
                    p.GetValue(cmdlet),
                    p.GetCustomAttributes<ValidateArgumentsAttribute>().ToArray()))
                .ToList();
        }

        /// <summary>
        /// Sets the cmdlet's parameters from <paramref name="element"/>'s properties. Throws PSInvalidCastException when a
        /// value does not convert, ValidationMetadataException when it fails a parameter's validation.
        /// </summary>
        public void Bind(PSObject element)
        {
            var engine = (EngineIntrinsics)_cmdlet.GetVariableValue("ExecutionContext");
            foreach (var slot in _slots)
            {
                var value = slot.Names.Select(n => element.Properties[n]).FirstOrDefault(p => p != null)?.Value;
                if (value is PSObject wrapped) value = wrapped.BaseObject;
                if (value == null) { slot.Property.SetValue(_cmdlet, slot.Default); continue; }
                var typed = LanguagePrimitives.ConvertTo(value, slot.Property.PropertyType, CultureInfo.InvariantCulture);
                foreach (var check in slot.Checks)
                {
                    try { Validate.Invoke(check, new[] { typed, engine }); }
                    catch (TargetInvocationException ex) when (ex.InnerException is ValidationMetadataException bad)
                    {
                        throw new ValidationMetadataException($"Cannot validate argument on parameter '{slot.Property.Name}'. {bad.Message}", bad);
                    }
                }
                slot.Property.SetValue(_cmdlet, typed);
            }
        }
    }
}

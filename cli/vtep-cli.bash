# SPDX-License-Identifier: Apache-2.0
# bash completion for vtep-cli: the command words come from the program
# itself (vtep-cli --complete WORDS...), so they never drift from it.
_vtep_cli() {
    local cur=${COMP_WORDS[COMP_CWORD]} words=() i
    case $cur in
    --*)
        COMPREPLY=($(compgen -W "--db= --ctl= --json --timeout= --help --version" -- "$cur"))
        [[ ${COMPREPLY[0]-} == *= ]] && compopt -o nospace
        return
        ;;
    esac
    for ((i = 1; i < COMP_CWORD; i++)); do
        [[ ${COMP_WORDS[i]} == -* ]] || words+=("${COMP_WORDS[i]}")
    done
    COMPREPLY=($(vtep-cli --complete "${words[@]}" "$cur" 2>/dev/null))
}
complete -F _vtep_cli vtep-cli
